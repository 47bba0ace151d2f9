# A diamond: main uses flows and apps, flows uses apps. apps.pan is one file reached twice: no PAN207.
use "./flows.pan"
use "./apps.pan"

scenario "buy" on shop {
    open_home()
    buy("#add")
    log "${base}"
}
