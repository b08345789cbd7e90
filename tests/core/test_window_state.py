"""The window's state file: what was saved comes back; a damaged or foreign file means a first start; a place
saved on a bigger or missing screen is brought onto this one."""

from __future__ import annotations

from deskmate.core.window_state import WindowState, centred, fit_on_screen, load_window_state, save_window_state


def test_saved_state_comes_back(tmp_path):
    path = tmp_path / "state.json"
    save_window_state(WindowState(geometry=(10, 20, 900, 700), frame=(2, 25), maximized=True,
                                  splitters={"center": [300, 600, 400]}, draft_id=7, cursor=13), path)
    back = load_window_state(path)
    assert back == WindowState(geometry=(10, 20, 900, 700), frame=(2, 25), maximized=True,
                               splitters={"center": [300, 600, 400]}, draft_id=7, cursor=13)


def test_a_damaged_or_odd_file_is_a_first_start(tmp_path):
    path = tmp_path / "state.json"
    assert load_window_state(path) == WindowState()
    for text in ("{not json", "[1, 2]", '{"geometry": [1, 2, 0, 5], "draft_id": true, "cursor": -3, "maximized": 1}',
                 '{"geometry": "big", "splitters": {"center": ["a"]}}'):
        path.write_text(text)
        assert load_window_state(path) == WindowState(), text


def test_a_place_from_a_bigger_screen_is_clamped_onto_this_one():
    screen = (0, 0, 1280, 860)
    assert fit_on_screen((1500, 200, 2000, 1200), screen) == (0, 0, 1280, 860)
    assert fit_on_screen((-3000, 100, 800, 600), screen) == (0, 100, 800, 600)  # a monitor on the left, gone
    assert fit_on_screen((100, 50, 800, 600), screen) == (100, 50, 800, 600)  # in view: left alone
    assert centred((1216, 848), screen) == (32, 6, 1216, 848)
    assert centred((1216, 848), (0, 0, 1024, 600)) == (0, 0, 1024, 600)
