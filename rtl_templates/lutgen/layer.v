{{header}}
`default_nettype none

module {{module_name}} (
{{input_port}}    output wire [{{output_msb}}:0] layer_out
);
{{neurons}}endmodule

`default_nettype wire
