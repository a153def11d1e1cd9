    assign output_codes = {{source}};
