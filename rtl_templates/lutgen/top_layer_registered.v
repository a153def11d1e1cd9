
    // Layer {{layer}}: a register stage on the layer input, reset to 0.
    reg  [{{input_msb}}:0] layer{{layer}}_in;
    wire [{{output_msb}}:0] layer{{layer}}_out;

    always @(posedge clk) begin
        if (rst)
            layer{{layer}}_in <= {{input_width}}'h0;
        else
            layer{{layer}}_in <= {{source}};
    end

    {{layer_module}} u_layer{{layer}} (
        .layer_in(layer{{layer}}_in),
        .layer_out(layer{{layer}}_out)
    );
