// Turning key presses back into the bytes a terminal sends, for the live
// broadcast (the attach loop passes raw bytes and needs no encoder).

package ui

import (
	tea "charm.land/bubbletea/v2"
)

// keyBytes is what an xterm-like terminal in normal cursor mode sends for
// kp, or nil for a key it has no encoding for here.
func keyBytes(kp tea.KeyPressMsg) []byte {
	alt := kp.Mod&tea.ModAlt != 0
	ctrl := kp.Mod&tea.ModCtrl != 0
	var b []byte
	switch {
	case kp.Text != "" && !ctrl:
		b = []byte(kp.Text)
	case ctrl:
		b = ctrlByte(kp.Code)
	default:
		b = specialKey(kp)
	}
	if b == nil {
		return nil
	}
	if alt {
		b = append([]byte{0x1b}, b...)
	}
	return b
}

// ctrlByte is the control byte for ctrl and a key, as a terminal sends it.
func ctrlByte(code rune) []byte {
	switch {
	case code >= 'a' && code <= 'z':
		return []byte{byte(code - 'a' + 1)}
	case code >= 'A' && code <= 'Z':
		return []byte{byte(code - 'A' + 1)}
	case code == '@' || code == tea.KeySpace || code == '2':
		return []byte{0}
	case code == '[' || code == '3':
		return []byte{0x1b}
	case code == '\\' || code == '4':
		return []byte{0x1c}
	case code == ']' || code == '5':
		return []byte{0x1d}
	case code == '^' || code == '6':
		return []byte{0x1e}
	case code == '_' || code == '7' || code == '/':
		return []byte{0x1f}
	case code == '?' || code == '8':
		return []byte{0x7f}
	}
	return nil
}

// specialKey encodes the keys without text: enter, arrows, F-keys …
func specialKey(kp tea.KeyPressMsg) []byte {
	shift := kp.Mod&tea.ModShift != 0
	switch kp.Code {
	case tea.KeyEnter:
		return []byte{'\r'}
	case tea.KeyTab:
		if shift {
			return []byte("\x1b[Z")
		}
		return []byte{'\t'}
	case tea.KeyBackspace:
		return []byte{0x7f}
	case tea.KeyEscape:
		return []byte{0x1b}
	case tea.KeySpace:
		return []byte{' '}
	case tea.KeyUp:
		return []byte("\x1b[A")
	case tea.KeyDown:
		return []byte("\x1b[B")
	case tea.KeyRight:
		return []byte("\x1b[C")
	case tea.KeyLeft:
		return []byte("\x1b[D")
	case tea.KeyHome:
		return []byte("\x1b[H")
	case tea.KeyEnd:
		return []byte("\x1b[F")
	case tea.KeyInsert:
		return []byte("\x1b[2~")
	case tea.KeyDelete:
		return []byte("\x1b[3~")
	case tea.KeyPgUp:
		return []byte("\x1b[5~")
	case tea.KeyPgDown:
		return []byte("\x1b[6~")
	case tea.KeyF1:
		return []byte("\x1bOP")
	case tea.KeyF2:
		return []byte("\x1bOQ")
	case tea.KeyF3:
		return []byte("\x1bOR")
	case tea.KeyF4:
		return []byte("\x1bOS")
	}
	if kp.Code >= tea.KeyF5 && kp.Code <= tea.KeyF12 {
		codes := [...]string{"15", "17", "18", "19", "20", "21", "23", "24"}
		return []byte("\x1b[" + codes[kp.Code-tea.KeyF5] + "~")
	}
	if kp.Code > 0 && kp.Code < 0x10ffff && kp.Code >= ' ' && kp.Code < tea.KeyExtended {
		return []byte(string(kp.Code))
	}
	return nil
}
