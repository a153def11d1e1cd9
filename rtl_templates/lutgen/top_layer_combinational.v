
    // Layer {{layer}}: no register stage.
    wire [{{input_msb}}:0] layer{{layer}}_in = {{source}};
    wire [{{output_msb}}:0] layer{{layer}}_out;

    {{layer_module}} u_layer{{layer}} (
        .layer_in(layer{{layer}}_in),
        .layer_out(layer{{layer}}_out)
    );
