
    // Neuron {{index}}: key = {{{key_inputs}}}, the first input in the most significant bits.
    wire [{{key_msb}}:0] neuron{{index}}_key = {{{key_bits}}};

    {{neuron_module}} u_neuron{{index}} (
        .key(neuron{{index}}_key),
        .code(layer_out[{{code_msb}}:{{code_lsb}}])
    );
