"""Hand-crafted image features: colour histograms and histograms of oriented gradients.

- :func:`color_histogram` -- joint RGB histogram, equal to ``np.histogramdd`` / pixels;
- :func:`hog` -- HoG descriptor, equal to ``skimage.feature.hog`` (to ~1e-7);
- :func:`hog_image` -- a picture of the HoG cells for plotting (host NumPy);
  :func:`hog_picture` draws given cell histograms (e.g. a student's) the same way;
- :func:`extract_features` -- several extractors side by side;
- the steps of HoG, one function each (:mod:`coursework.features.hog_steps`):
  :func:`image_gradients`, :func:`gradient_orientation`, :func:`orientation_histograms`,
  :func:`normalize_blocks`.

All work on one image or a whole batch at once, on NumPy, CuPy or any array-API
namespace, and return arrays on the input's device (``hog_image`` excepted). Colour or
grey is said by ``channel_axis`` as in scikit-image (``None``: grey, the default of
``hog`` and ``hog_image``; ``-1``: channels last, the default of ``color_histogram``),
never guessed from the shape (``_channels.py``). ``hog`` and ``hog_image`` take
scikit-image's defaults (blocks of 3 x 3 cells); the lecture's 2 x 2 blocks are passed
explicitly where they are taught.
"""

from .color_histogram import color_histogram
from .extract import extract_features
from .hog import hog
from .hog_image import hog_image, hog_picture
from .hog_steps import gradient_orientation, image_gradients, normalize_blocks, orientation_histograms

__all__ = ["color_histogram", "hog", "hog_image", "hog_picture", "extract_features",
           "image_gradients", "gradient_orientation", "orientation_histograms", "normalize_blocks"]
