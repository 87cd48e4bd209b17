package netwatch

import "errors"

// ErrUnsupported is OpenSource's error where the OS's network changes
// cannot be watched (anything but Linux): only suspend is watched there.
var ErrUnsupported = errors.New("netwatch: network changes cannot be watched on this system")
