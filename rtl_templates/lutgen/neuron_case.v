{{header}}
`default_nettype none

module {{module_name}} (
    input  wire [{{key_msb}}:0] key,
    output reg  [{{code_msb}}:0] code
);
    always @(*) begin
        case (key)
{{case_rows}}            default: code = {{code_width}}'h0;
        endcase
    end
endmodule

`default_nettype wire
