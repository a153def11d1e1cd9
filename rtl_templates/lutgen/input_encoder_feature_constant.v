
    // Feature {{feature}}: {{description}}
    // Every value of the format has the same code, so the feature's bits are unused on purpose.
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [{{value_msb}}:0] feature{{feature}} = features[{{value_high}}:{{value_low}}];
    /* verilator lint_on UNUSEDSIGNAL */

    assign codes[{{code_high}}:{{code_low}}] = {{code_pattern}};
