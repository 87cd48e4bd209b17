// Package themes holds sshdash's colour palettes and the Lip Gloss styles
// built from them. Themes are values passed to the UI; there are no global
// styles.
package themes
