"""Time-coded convolutional spiking networks that learn visual features with STDP.

Two networks, both built from :mod:`snnedu.models.convsnn_layers` (equations there): every neuron
fires at most once per image, "max" pooling lets the first spike through, and the only learning
is unsupervised STDP on the convolution kernels, one layer at a time; a linear SVM (scikit-learn
``LinearSVC``) then reads the class out of the spiking features.

- :mod:`~snnedu.networks.convsnn.net2016`: the lecture's multi-scale Gabor network
  (Kheradpisheh, Ganjtabesh & Masquelier 2016, after Masquelier & Thorpe 2007);
- :mod:`~snnedu.networks.convsnn.net2018`: the deep MNIST network (Kheradpisheh, Ganjtabesh,
  Thorpe & Masquelier 2018), defaults of the SpykeTorch reproduction (Mozafari et al. 2019);
- :mod:`~snnedu.networks.convsnn.stdp`: the layer-wise STDP loop both use;
- :mod:`~snnedu.networks.convsnn.readout`: the SVM readout, fitted or chosen on validation;
- :mod:`~snnedu.networks.convsnn.analysis`: parameter counts, preferred inputs;
- :mod:`~snnedu.networks.convsnn.io`: ``.npz`` files.

Everything public is available from here (``from snnedu.networks import convsnn``). Measured
accuracies and speeds are in the project README ("Speed and accuracy").

>>> import numpy as np
>>> from snnedu.data import load_offline_digits
>>> data = load_offline_digits("train")
>>> tiny = Conv2018Params(conv1_maps=4, conv2_maps=8, epochs1=1, epochs2=1)
>>> model = train_convsnn_2018(data.images[:10], data.labels[:10], tiny,
...                            rng=np.random.default_rng(0), readout=False)
>>> features_2018(model, data.images[:3]).shape  # 8 maps × 9 × 9 pooled conv2 neurons
(3, 648)
"""

from snnedu.networks.convsnn.analysis import (
    ALEXNET_PARAMETERS,
    count_parameters,
    preferred_input,
)
from snnedu.networks.convsnn.io import load_convsnn, save_convsnn
from snnedu.networks.convsnn.net2016 import (
    DEFAULT_2016,
    Conv2016Model,
    Conv2016Params,
    c1_times_2016,
    encode_scales_2016,
    features_2016,
    gabor_bank,
    layer_times_2016,
    s2_layer,
    train_convsnn_2016,
)
from snnedu.networks.convsnn.net2018 import (
    DEFAULT_2018,
    PAPER_2018,
    SPYKETORCH_2018,
    Conv2018Model,
    Conv2018Params,
    conv1_layer,
    conv2_layer,
    encode_dog_latency,
    features_2018,
    layer_times_2018,
    pool1_times,
    train_convsnn_2018,
)
from snnedu.networks.convsnn.readout import (
    C_GRID,
    ReadoutSelection,
    evaluate,
    features,
    fit_readout,
    predict,
    select_readout,
)
from snnedu.networks.convsnn.stdp import STDPLayer, convergence_index, train_stdp_layer

__all__ = [
    "ALEXNET_PARAMETERS",
    "C_GRID",
    "DEFAULT_2016",
    "DEFAULT_2018",
    "PAPER_2018",
    "SPYKETORCH_2018",
    "Conv2016Model",
    "Conv2016Params",
    "Conv2018Model",
    "Conv2018Params",
    "ReadoutSelection",
    "STDPLayer",
    "c1_times_2016",
    "conv1_layer",
    "conv2_layer",
    "convergence_index",
    "count_parameters",
    "encode_dog_latency",
    "encode_scales_2016",
    "evaluate",
    "features",
    "features_2016",
    "features_2018",
    "fit_readout",
    "gabor_bank",
    "layer_times_2016",
    "layer_times_2018",
    "load_convsnn",
    "pool1_times",
    "predict",
    "preferred_input",
    "s2_layer",
    "save_convsnn",
    "select_readout",
    "train_convsnn_2016",
    "train_convsnn_2018",
    "train_stdp_layer",
]
