wire [{{output_msb}}:0] M{{next_layer}};
