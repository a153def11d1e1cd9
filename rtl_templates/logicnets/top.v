module {{module_name}} (input [{{input_msb}}:0] M0, input clk, input rst, output[{{output_msb}}:0] M{{layer_count}});
{{layers}}
endmodule
