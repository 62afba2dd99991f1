"""symkeras.backend (K): Keras 2 backend functions on the symkeras compiler.

Import it as `from symkeras import backend as K`.
"""
from .config import (floatx, set_floatx, epsilon, set_epsilon, image_data_format,
                     set_image_data_format, learning_phase, set_learning_phase,
                     get_uid, reset_uids, clear_session, normalize_data_format,
                     get_nan_guard, set_nan_guard)
from .variables import *  # noqa: F401,F403
from .functions import *  # noqa: F401,F403
from .reduce_ops import *  # noqa: F401,F403
from .math_ops import *  # noqa: F401,F403
from .shape_ops import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .conv_ops import *  # noqa: F401,F403
from .depthwise_ops import *  # noqa: F401,F403
from .conv3d_ops import *  # noqa: F401,F403
from .control_ops import *  # noqa: F401,F403
from .nn_extra import *  # noqa: F401,F403
from .ctc import *  # noqa: F401,F403


def backend():
    """The name of the backend.

    Returns:
        'symkeras'.
    """
    return 'symkeras'
