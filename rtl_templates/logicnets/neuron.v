module {{module_name}} ( input [{{key_msb}}:0] M0, output [{{code_msb}}:0] M1 );

	(*rom_style = "distributed" *) reg [{{code_msb}}:0] M1r;
	assign M1 = M1r;
	always @ (M0) begin
		case (M0)
{{case_rows}}
		endcase
	end
endmodule
