wire [{{input_msb}}:0] M{{layer}}w;
myreg #(.DataWidth({{input_width}})) layer{{layer}}_reg (.data_in(M{{layer}}), .clk(clk), .rst(rst), .data_out(M{{layer}}w));
