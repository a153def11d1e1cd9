    input  wire clk,
    input  wire rst,
