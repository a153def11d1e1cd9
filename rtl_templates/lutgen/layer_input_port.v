    input  wire [{{input_msb}}:0] layer_in,
