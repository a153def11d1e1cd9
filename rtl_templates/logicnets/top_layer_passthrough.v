wire [{{input_msb}}:0] M{{layer}}w;
assign M{{layer}}w = M{{layer}};
