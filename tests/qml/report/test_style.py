"""The style module: figures that show themselves, display names, one colour per concept."""

from qml.report import style


def test_figures_render_as_png_without_pyplot():
    fig = style.figure(3, 2)
    fig.add_subplot().plot([0, 1], [0, 1])
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_every_data_key_has_a_display_name_and_stable_colour():
    from qml.projection import load_trends, project

    p = project(2030)
    keys = ([s["key"] for s in p.series] + [t.name for t in load_trends()]
            + [f.key for f in p.qv_fits] + [f.key for f in p.frontiers])
    for key in keys:  # a display name of its own, not the key with spaces ("qv implied ibm")
        assert style.label(key) != key.replace("_", " "), key
    assert style.label("not_a_key") == "not a key"
    assert style.color("IBM") == style.color("qv_ibm")  # a vendor keeps its colour
    assert style.color("Quantinuum") == style.color("Honeywell")  # one hardware line
