# Pointer gestures on Panoptic Notes: drag and drop on a canvas, the mouse
# wheel over a list, and a context menu opened with the right button.
# The list shows ten of its 40 rows and scrolls 3 rows per wheel click;
# `scroll down by 200` turns into 5 clicks (40 pixels a click), 15 rows.

app board: desktop {
    command: "python3 app.py"
    window: "Panoptic Notes"
    screen: 1024x768
    timeout: 10s
}

scenario "drag the square into the box, then drop it elsewhere" on board tags gestures {
    drag text "Drag" to text "Drop here"
    expect text "Dropped in box" visible within 10s
    drag text "Drag" to at 300, 600
    expect text "Dropped at 300,600" visible within 10s
}

scenario "scroll the list and pick a row from its context menu" on board tags gestures {
    expect text exact "Row 1" visible within 10s
    move to text exact "Row 5"
    scroll down by 200
    expect text exact "Row 25" visible within 10s
    expect text exact "Row 3" hidden within 10s
    right click text exact "Row 20"
    click text "Pick row"
    expect text "Picked Row 20" visible within 10s
    right click text exact "Row 18"
    click text "Clear pick"
    expect text "Picked: none" visible within 10s
}
