"""Panoptic Notes: a tiny Tk app used as a real target by the desktop examples and tests.

A name entry, a "Greet" button and a label that changes to "Hello, <name>";
an "Actions" menu whose "Reset" item puts the label back to "Ready" and whose
"Say goodbye" item sets it to "Goodbye!". Big fonts keep the text readable
for OCR. The window opens at a fixed place (40, 40) so coordinates are stable.

Run: python3 app.py [--title TITLE]
"""

from __future__ import annotations

import argparse
import tkinter as tk

FONT = ("DejaVu Sans", 20)
BIG = ("DejaVu Sans", 26, "bold")


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
    entry.focus_set()
    return {"entry": entry, "button": button, "label": label}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", default="Panoptic Notes", help="window title")
    args = parser.parse_args()
    root = tk.Tk()
    root.title(args.title)
    root.geometry("560x300+40+40")
    build(root)
    root.mainloop()


if __name__ == "__main__":
    main()
