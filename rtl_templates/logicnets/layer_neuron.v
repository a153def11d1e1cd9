wire [{{key_msb}}:0] {{module_name}}_wire = {{{key_bits}}};
{{module_name}} {{module_name}}_inst (.M0({{module_name}}_wire), .M1(M1[{{code_msb}}:{{code_lsb}}]));

