package changelog

import (
	"strings"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

const fileHeader = `# Changelog

All notable changes to this project are documented in this file.
The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).
`

var sectionRe = lazyre.New(`(?m)^## \[([^\]]+)\]`)

// MergeSection puts a version's section (Markdown starting "## [VERSION]")
// into a Keep a Changelog file: replacing that version's section when it is
// there, else above the newest release (below [Unreleased]). Nothing else in
// the file changes, so writing the same section twice changes nothing.
func MergeSection(file, section string) string {
	section = strings.TrimSpace(section) + "\n"
	m := sectionRe.FindStringSubmatch(section)
	if strings.TrimSpace(file) == "" {
		return fileHeader + "\n" + section
	}
	version := ""
	if m != nil {
		version = m[1]
	}
	locs := sectionRe.FindAllStringSubmatchIndex(file, -1)
	for i, loc := range locs {
		if file[loc[2]:loc[3]] != version {
			continue
		}
		end := len(file)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		tail := file[end:]
		sep := "\n"
		if tail == "" {
			sep = ""
		}
		return file[:loc[0]] + section + sep + tail
	}
	for _, loc := range locs {
		if !strings.EqualFold(file[loc[2]:loc[3]], "unreleased") {
			return file[:loc[0]] + section + "\n" + file[loc[0]:]
		}
	}
	return strings.TrimRight(file, "\n") + "\n\n" + section
}
