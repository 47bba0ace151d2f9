# Only what a file `use`s directly is visible: apps, flows, variables and secrets of apps.pan, reached
# only through flows.pan, are not (each is reported the same way).
use "./flows.pan"

scenario "through flows" on shop {
    buy("#add")
    open_home()
    log "${base} ${token}"
}
