{{header}}
`default_nettype none

module {{module_name}} (
    input  wire [{{key_msb}}:0] key,
    output wire [{{code_msb}}:0] code
);
    // One entry per key value, in key order, read from {{hex_file}}. Tools resolve the
    // file name relative to their working directory, so run them in this directory.
    reg [{{code_msb}}:0] rom [0:{{last_key}}];

    initial $readmemh("{{hex_file}}", rom);

    assign code = rom[key];
endmodule

`default_nettype wire
