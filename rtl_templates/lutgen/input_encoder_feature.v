
    // Feature {{feature}}: {{description}}
    wire signed [{{value_msb}}:0] feature{{feature}} = features[{{value_high}}:{{value_low}}];

    assign codes[{{code_high}}:{{code_low}}] =
{{selection}};
