package themes

import "charm.land/lipgloss/v2"

func darkPalette() Palette {
	return Palette{
		Fg:        lipgloss.Color("#d0d0d0"),
		Muted:     lipgloss.Color("#8a8a8a"),
		Subtle:    lipgloss.Color("#4e4e4e"),
		Accent:    lipgloss.Color("#5fafff"),
		SelBg:     lipgloss.Color("#264f78"),
		SelFg:     lipgloss.Color("#ffffff"),
		Good:      lipgloss.Color("#5fd75f"),
		Warn:      lipgloss.Color("#ffd75f"),
		Bad:       lipgloss.Color("#ff5f5f"),
		Busy:      lipgloss.Color("#87afd7"),
		Attention: lipgloss.Color("#ff87ff"),
		Match:     lipgloss.Color("#ffaf00"),
	}
}

func lightPalette() Palette {
	return Palette{
		Fg:        lipgloss.Color("#1c1c1c"),
		Muted:     lipgloss.Color("#6c6c6c"),
		Subtle:    lipgloss.Color("#bcbcbc"),
		Accent:    lipgloss.Color("#005fd7"),
		SelBg:     lipgloss.Color("#c6dcf5"),
		SelFg:     lipgloss.Color("#000000"),
		Good:      lipgloss.Color("#008700"),
		Warn:      lipgloss.Color("#af5f00"),
		Bad:       lipgloss.Color("#d70000"),
		Busy:      lipgloss.Color("#005f87"),
		Attention: lipgloss.Color("#af00af"),
		Match:     lipgloss.Color("#d75f00"),
	}
}

// highContrastPalette uses the terminal's own 16 colours (so it follows the
// user's terminal scheme) at full strength, the bright ones on dark
// backgrounds and the normal ones on light backgrounds; the selection is
// reverse video.
func highContrastPalette(dark bool) Palette {
	if dark {
		return Palette{
			Fg:        lipgloss.Color("15"),
			Muted:     lipgloss.Color("7"),
			Subtle:    lipgloss.Color("7"),
			Accent:    lipgloss.Color("14"),
			Good:      lipgloss.Color("10"),
			Warn:      lipgloss.Color("11"),
			Bad:       lipgloss.Color("9"),
			Busy:      lipgloss.Color("14"),
			Attention: lipgloss.Color("13"),
			Match:     lipgloss.Color("11"),
		}
	}
	return Palette{
		Fg:        lipgloss.Color("0"),
		Muted:     lipgloss.Color("8"),
		Subtle:    lipgloss.Color("8"),
		Accent:    lipgloss.Color("4"),
		Good:      lipgloss.Color("2"),
		Warn:      lipgloss.Color("3"),
		Bad:       lipgloss.Color("1"),
		Busy:      lipgloss.Color("4"),
		Attention: lipgloss.Color("5"),
		Match:     lipgloss.Color("5"),
	}
}

// catppuccinMochaPalette is Catppuccin Mocha (https://catppuccin.com/palette).
func catppuccinMochaPalette() Palette {
	return Palette{
		Fg:        lipgloss.Color("#cdd6f4"), // text
		Muted:     lipgloss.Color("#a6adc8"), // subtext0
		Subtle:    lipgloss.Color("#585b70"), // surface2
		Accent:    lipgloss.Color("#89b4fa"), // blue
		SelBg:     lipgloss.Color("#45475a"), // surface1
		SelFg:     lipgloss.Color("#cdd6f4"), // text
		Good:      lipgloss.Color("#a6e3a1"), // green
		Warn:      lipgloss.Color("#f9e2af"), // yellow
		Bad:       lipgloss.Color("#f38ba8"), // red
		Busy:      lipgloss.Color("#74c7ec"), // sapphire
		Attention: lipgloss.Color("#cba6f7"), // mauve
		Match:     lipgloss.Color("#fab387"), // peach
	}
}

// draculaPalette is Dracula (https://draculatheme.com/contribute).
func draculaPalette() Palette {
	return Palette{
		Fg:        lipgloss.Color("#f8f8f2"), // foreground
		Muted:     lipgloss.Color("#6272a4"), // comment
		Subtle:    lipgloss.Color("#44475a"), // current line
		Accent:    lipgloss.Color("#bd93f9"), // purple
		SelBg:     lipgloss.Color("#44475a"), // selection
		SelFg:     lipgloss.Color("#f8f8f2"),
		Good:      lipgloss.Color("#50fa7b"), // green
		Warn:      lipgloss.Color("#f1fa8c"), // yellow
		Bad:       lipgloss.Color("#ff5555"), // red
		Busy:      lipgloss.Color("#8be9fd"), // cyan
		Attention: lipgloss.Color("#ff79c6"), // pink
		Match:     lipgloss.Color("#ffb86c"), // orange
	}
}

// nordPalette is Nord (https://www.nordtheme.com/docs/colors-and-palettes).
func nordPalette() Palette {
	return Palette{
		Fg:        lipgloss.Color("#d8dee9"), // nord4
		Muted:     lipgloss.Color("#81a1c1"), // nord9
		Subtle:    lipgloss.Color("#4c566a"), // nord3
		Accent:    lipgloss.Color("#88c0d0"), // nord8
		SelBg:     lipgloss.Color("#434c5e"), // nord2
		SelFg:     lipgloss.Color("#eceff4"), // nord6
		Good:      lipgloss.Color("#a3be8c"), // nord14
		Warn:      lipgloss.Color("#ebcb8b"), // nord13
		Bad:       lipgloss.Color("#bf616a"), // nord11
		Busy:      lipgloss.Color("#5e81ac"), // nord10
		Attention: lipgloss.Color("#b48ead"), // nord15
		Match:     lipgloss.Color("#d08770"), // nord12
	}
}
