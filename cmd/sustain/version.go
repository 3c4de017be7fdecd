package main

import (
	"context"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/output"
)

// Set by the linker (see .goreleaser.yaml).
var (
	version = ""
	commit  = ""
	date    = ""
)

type versionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

func (v versionInfo) Table() output.Table {
	return output.KV("VERSION", v.Version, "COMMIT", v.Commit, "DATE", v.Date, "GO", v.Go, "PLATFORM", v.OS+"/"+v.Arch)
}

// buildVersion is the linker's stamp, else what `go install` recorded.
func buildVersion() versionInfo {
	v := versionInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && v.Commit == "":
				v.Commit = s.Value
			case s.Key == "vcs.time" && v.Date == "":
				v.Date = s.Value
			}
		}
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	for _, p := range []*string{&v.Commit, &v.Date} {
		if *p == "" {
			*p = "unknown"
		}
	}
	return v
}

type VersionOptions struct {
	Out     io.Writer
	Format  output.Format
	Version func() versionInfo
}

func NewCmdVersion(a *app, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{Version: buildVersion}
	return &cobra.Command{
		Use:     "version",
		Short:   "Print sustain's version",
		Example: "  sustain version\n  sustain version --template '{{.version}}'",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out, opts.Format = a.out, a.format
			if runF != nil {
				return runF(opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
}

func versionRun(_ context.Context, opts *VersionOptions) error {
	return opts.Format.Print(opts.Out, opts.Version())
}
