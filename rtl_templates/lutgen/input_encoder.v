{{header}}
`default_nettype none

module {{module_name}} (
    input  wire [{{features_msb}}:0] features,
    output wire [{{codes_msb}}:0] codes
);
{{features}}endmodule

`default_nettype wire
