    // Output register stage, reset to 0.
    reg [{{output_msb}}:0] output_reg;

    always @(posedge clk) begin
        if (rst)
            output_reg <= {{output_width}}'h0;
        else
            output_reg <= {{source}};
    end

    assign output_codes = output_reg;
