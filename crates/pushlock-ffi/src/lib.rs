//! C ABI for pushlock (lands with the C ABI issue).
