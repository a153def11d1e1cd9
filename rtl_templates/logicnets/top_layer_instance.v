layer{{layer}} layer{{layer}}_inst (.M0(M{{layer}}w), .M1(M{{next_layer}}));
