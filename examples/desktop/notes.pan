# Panoptic Notes, a small Tk app, driven on an X display (Xvfb starts on demand).
# Targets: text found on screen by OCR, the Greet button by its picture, and
# screen coordinates (the window opens at 40, 40).

app notes: desktop {
    command: "python3 app.py"
    window: "Panoptic Notes"
    timeout: 10s
}

scenario "greet by name" on notes tags smoke {
    click at 290, 131
    type "Ada"
    click image "greet.png"
    expect text "Hello, Ada" visible within 5s
    screenshot "greeted"
}

scenario "Enter greets and the menu changes the label" on notes {
    type "Grace"
    press "enter"
    expect text "Hello, Grace" visible within 5s
    click text "Actions"
    click text "Say goodbye"
    expect text "Goodbye!" visible within 5s
    click text "Actions"
    click text "Reset"
    expect text "Ready" visible within 5s
}
