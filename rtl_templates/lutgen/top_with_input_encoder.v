{{header}}
`default_nettype none

module {{module_name}} (
{{clock_ports}}    input  wire [{{features_msb}}:0] input_features,
    output wire [{{output_msb}}:0] output_codes
);

    // Input encoder: raw {{format}} features in, input codes out, without registers. The
    // first register stage, if any, follows it.
    wire [{{input_msb}}:0] input_codes;

    {{encoder_module}} u_input_encoder (
        .features(input_features),
        .codes(input_codes)
    );
{{layers}}
{{output_stage}}endmodule

`default_nettype wire
