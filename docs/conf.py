"""Sphinx configuration of the gan_oversampler documentation.

Build with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Set ``GAN_OVERSAMPLER_DOCS_NO_GALLERY=1`` to skip running the example gallery
(much faster; the example pages are then rendered without their output).
"""

import os
import re
import sys
from pathlib import Path

# Render figures off-screen, both in autodoc imports and in gallery examples.
import matplotlib

matplotlib.use("Agg")

# Document the checkout this file lives in, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

import gan_oversampler

# The example networks are tiny: PyTorch's intra-op threads only add overhead,
# and on a busy machine they slow training down many times over. Build with
# one thread unless OMP_NUM_THREADS says otherwise.
if "OMP_NUM_THREADS" not in os.environ:
    torch.set_num_threads(1)

# -- Project -----------------------------------------------------------------
project = "gan-oversampler"
author = "the gan_oversampler developers"
copyright = "2026, the gan_oversampler developers"
release = gan_oversampler.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "literal"
nitpicky = False

# -- autodoc / autosummary / numpydoc ----------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {
    "members": True,
    "inherited-members": True,
    # scikit-learn's docstring links to its own user guide, which is not here.
    "exclude-members": "get_metadata_routing",
}
# Types are written in the numpydoc sections; don't repeat the annotations.
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- Example gallery ---------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "plot_gallery": os.environ.get("GAN_OVERSAMPLER_DOCS_NO_GALLERY", "") == "",
    "image_scrapers": ("matplotlib",),
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("gan_oversampler",),
    "reference_url": {"gan_oversampler": None},
    "backreferences_dir": "generated/backreferences",
    "remove_config_comments": True,
    "min_reported_time": 1,
    "show_memory": False,
    "download_all_examples": False,
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"gan-oversampler {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False


# -- Docstring clean-up --------------------------------------------------------
# In reStructuredText a bare word ending in "_" (such as n_features_in_ in
# "ndarray of shape (n_features_in_,)") is a link to a target of that name.
# scikit-learn-style docstrings use such words for fitted attributes, so escape
# the underscore wherever it is outside inline markup.
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w`\\*|])([A-Za-z]\w*)_(?=[\s,.;:)\]]|$)")


def _escape_trailing_underscores(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        parts = line.split("`")
        # Even-numbered parts are outside backticks.
        parts[::2] = [_TRAILING_UNDERSCORE.sub(r"\1\\_", part) for part in parts[::2]]
        lines[i] = "`".join(parts)


def setup(app):
    # Run after numpydoc (priority 500) has turned its sections into markup.
    app.connect("autodoc-process-docstring", _escape_trailing_underscores, 600)
