"""Panoptic Notes: a small Tk app used as a real target by the desktop examples and tests.

Top left (laid out first, so its coordinates never move): a name entry, a
"Greet" button and a label that changes to "Hello, <name>"; an "Actions" menu
whose "Reset" item puts the label back to "Ready" and whose "Say goodbye" item
sets it to "Goodbye!".

Added around it (placed, so the grid above keeps its geometry):

* a list of 40 rows, "Row 1" … "Row 40", ten at a time, with a scroll bar; the
  mouse wheel scrolls it by 3 rows a click. Right-clicking a row opens a
  context menu (beside the list, at the row's height) whose "Pick row" item shows "Picked Row N" under the list and
  whose "Clear pick" item puts back "Picked: none";
* a canvas with a yellow "Drag" square and a "Drop here" box: when the square is
  released, the label under the canvas shows "Dropped in box" when the
  square's centre is inside the box, else "Dropped at X,Y" (where the pointer
  was released, in screen pixels).

Big fonts keep the text readable for OCR. The window opens at a fixed place
(40, 40) so coordinates are stable; it fits a 1024×768 screen.

Run: python3 app.py [--title TITLE]
"""

from __future__ import annotations

import argparse
import tkinter as tk

FONT = ("DejaVu Sans", 20)
BIG = ("DejaVu Sans", 26, "bold")
GEOMETRY = "960x650+40+40"
ROWS = 40
WHEEL_ROWS = 3  # rows per mouse wheel click
SQUARE = (30, 40, 120, 130)  # the drag square on the canvas: left, top, right, bottom
BOX = (290, 30, 500, 230)  # the drop box on the canvas


def build(root: tk.Tk) -> dict[str, tk.Widget]:
    """Lay out the window's widgets and return the interesting ones by name."""
    root.configure(background="white", padx=24, pady=16)

    message = tk.StringVar(value="Ready")

    def greet(_event: object = None) -> None:
        name = entry.get().strip()
        message.set(f"Hello, {name}" if name else "Please enter a name")

    menubar = tk.Menu(root, font=FONT)
    actions = tk.Menu(menubar, tearoff=False, font=FONT)
    actions.add_command(label="Reset", command=lambda: (entry.delete(0, tk.END), message.set("Ready")))
    actions.add_command(label="Say goodbye", command=lambda: message.set("Goodbye!"))
    actions.add_separator()
    actions.add_command(label="Quit", command=root.destroy)
    menubar.add_cascade(label="Actions", menu=actions)
    root.configure(menu=menubar)

    tk.Label(root, text="Name", font=FONT, background="white").grid(row=0, column=0, sticky="w", pady=8)
    entry = tk.Entry(root, font=FONT, width=14)
    entry.grid(row=0, column=1, sticky="we", padx=(12, 0), pady=8)
    entry.bind("<Return>", greet)

    button = tk.Button(
        root,
        text="Greet",
        font=FONT,
        command=greet,
        background="#1d2330",
        foreground="white",
        activebackground="#1d2330",
        activeforeground="white",
        padx=16,
    )
    button.grid(row=1, column=0, columnspan=2, sticky="w", pady=8)

    label = tk.Label(root, textvariable=message, font=BIG, background="white", foreground="#1d2330")
    label.grid(row=2, column=0, columnspan=2, sticky="w", pady=(16, 0))

    widgets: dict[str, tk.Widget] = {"entry": entry, "button": button, "label": label}
    widgets.update(build_list(root))
    widgets.update(build_canvas(root))
    entry.focus_set()
    return widgets


def build_list(root: tk.Tk) -> dict[str, tk.Widget]:
    """The scrollable list of rows with its context menu, right of the greeting."""
    frame = tk.Frame(root, background="white")
    frame.place(x=560, y=0)
    rows = tk.Listbox(
        frame,
        font=FONT,
        width=10,
        height=10,
        activestyle="none",
        exportselection=False,
        highlightthickness=0,
        selectbackground="#d9e4f5",
        selectforeground="black",
    )
    for n in range(1, ROWS + 1):
        rows.insert(tk.END, f"Row {n}")
    bar = tk.Scrollbar(frame, orient=tk.VERTICAL, command=rows.yview, width=20)
    rows.configure(yscrollcommand=bar.set)
    rows.grid(row=0, column=0, sticky="ns")
    bar.grid(row=0, column=1, sticky="ns")

    picked = tk.StringVar(value="Picked: none")
    tk.Label(frame, textvariable=picked, font=FONT, background="white").grid(
        row=1, column=0, columnspan=2, sticky="w", pady=(12, 0)
    )

    def wheel(rows_by: int) -> str:
        rows.yview_scroll(rows_by, "units")
        return "break"  # the same step on every Tk version, whatever its class binding does

    rows.bind("<Button-4>", lambda _e: wheel(-WHEEL_ROWS))
    rows.bind("<Button-5>", lambda _e: wheel(WHEEL_ROWS))
    rows.bind("<MouseWheel>", lambda e: wheel(-WHEEL_ROWS if e.delta > 0 else WHEEL_ROWS))

    menu = tk.Menu(root, tearoff=False, font=FONT)
    under_pointer = {"row": 0}

    def pick() -> None:
        picked.set(f"Picked {rows.get(under_pointer['row'])}")

    menu.add_command(label="Pick row", command=pick)
    menu.add_command(label="Clear pick", command=lambda: picked.set("Picked: none"))

    def context(event: tk.Event) -> None:
        under_pointer["row"] = rows.nearest(event.y)
        rows.selection_clear(0, tk.END)
        rows.selection_set(under_pointer["row"])
        # Posted right of the list at the pointer's height: the release of the right button lands outside the
        # menu and chooses nothing (only a deliberate click picks an item), and no row is hidden under it.
        menu.tk_popup(bar.winfo_rootx() + bar.winfo_width() + 8, event.y_root)

    rows.bind("<Button-3>", context)
    return {"rows": rows, "scrollbar": bar, "row_menu": menu}


def build_canvas(root: tk.Tk) -> dict[str, tk.Widget]:
    """The canvas with a draggable square and a drop box, under the greeting."""
    canvas = tk.Canvas(root, width=520, height=260, background="#f4f6f9", highlightthickness=1)
    canvas.place(x=0, y=300)
    dropped = tk.StringVar(value="Nothing dropped yet")
    tk.Label(root, textvariable=dropped, font=FONT, background="white").place(x=0, y=580)

    canvas.create_rectangle(*BOX, outline="#1d2330", width=3, dash=(6, 4))
    canvas.create_text((BOX[0] + BOX[2]) // 2, BOX[1] + 30, text="Drop here", font=FONT, fill="#1d2330")
    canvas.create_rectangle(*SQUARE, fill="#ffd966", outline="#1d2330", width=2, tags=("square",))
    canvas.create_text(
        (SQUARE[0] + SQUARE[2]) // 2,
        (SQUARE[1] + SQUARE[3]) // 2,
        text="Drag",
        font=FONT,
        fill="#1d2330",
        tags=("square",),
    )

    grip = {"x": 0, "y": 0}

    def press(event: tk.Event) -> None:
        grip["x"], grip["y"] = event.x, event.y
        canvas.tag_raise("square")

    def motion(event: tk.Event) -> None:
        canvas.move("square", event.x - grip["x"], event.y - grip["y"])
        grip["x"], grip["y"] = event.x, event.y

    def release(event: tk.Event) -> None:
        motion(event)
        left, top, right, bottom = canvas.coords(canvas.find_withtag("square")[0])
        cx, cy = (left + right) / 2, (top + bottom) / 2
        inside = BOX[0] <= cx <= BOX[2] and BOX[1] <= cy <= BOX[3]
        dropped.set("Dropped in box" if inside else f"Dropped at {event.x_root},{event.y_root}")

    canvas.tag_bind("square", "<ButtonPress-1>", press)
    canvas.tag_bind("square", "<B1-Motion>", motion)
    canvas.tag_bind("square", "<ButtonRelease-1>", release)
    return {"canvas": canvas}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", default="Panoptic Notes", help="window title")
    args = parser.parse_args()
    root = tk.Tk()
    root.title(args.title)
    root.geometry(GEOMETRY)
    build(root)
    root.mainloop()


if __name__ == "__main__":
    main()
