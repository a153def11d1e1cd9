{{header}}
`default_nettype none

module {{module_name}} (
{{clock_ports}}    input  wire [{{input_msb}}:0] input_codes,
    output wire [{{output_msb}}:0] output_codes
);
{{layers}}
{{output_stage}}endmodule

`default_nettype wire
