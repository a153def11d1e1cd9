    // The design has no registers. clk and rst remain so that every register placement
    // has the same ports.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire clk,
    input  wire rst,
    /* verilator lint_on UNUSEDSIGNAL */
