module {{module_name}} (input [{{input_msb}}:0] M0, output [{{output_msb}}:0] M1);

{{neurons}}endmodule