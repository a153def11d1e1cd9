    // {{unused_count}} of the {{input_count}} input codes feed no neuron of this sparse layer,
    // so their bits are unused on purpose.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [{{input_msb}}:0] layer_in,
    /* verilator lint_on UNUSEDSIGNAL */
