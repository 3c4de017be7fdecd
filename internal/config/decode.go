package config

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// mergeYAML decodes data over c. Unlike yaml's own KnownFields it names the
// file, the line and the full key, and lists the keys that are allowed.
func (c *Config) mergeYAML(file string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return errorf("%s: %v", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // empty file
	}
	return c.decodeNode(file, doc.Content[0], reflect.ValueOf(c).Elem(), "")
}

func (c *Config) decodeNode(file string, n *yaml.Node, v reflect.Value, key string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // "jira:" with nothing under it changes nothing
	}
	where := fmt.Sprintf("%s:%d", file, n.Line)
	if key != "" {
		c.origin[key] = where
	}
	if key == "store" {
		c.storeDir = fileDir(file)
	}
	if n.Kind == yaml.MappingNode {
		if err := noDuplicateKeys(file, key, n); err != nil {
			return err
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return errorf("%s: %s must be a mapping of keys, not %s", where, keyName(key), describe(n))
		}
		fields := yamlFields(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			idx, ok := fields[k.Value]
			if !ok {
				return errorf("%s:%d: unknown key %q (known keys%s: %s)", file, k.Line,
					join(key, k.Value), inKey(key), strings.Join(sortedKeys(fields), ", "))
			}
			if err := c.decodeNode(file, val, v.Field(idx), join(key, k.Value)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return errorf("%s: %s must be a mapping, not %s", where, keyName(key), describe(n))
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			mk := reflect.ValueOf(k.Value)
			elem := reflect.New(v.Type().Elem()).Elem()
			if old := v.MapIndex(mk); old.IsValid() {
				elem.Set(old)
			}
			if err := c.decodeNode(file, val, elem, join(key, k.Value)); err != nil {
				return err
			}
			v.SetMapIndex(mk, elem)
		}
		return nil
	default:
		if n.Kind == yaml.MappingNode || (n.Kind == yaml.SequenceNode && v.Kind() != reflect.Slice) {
			return errorf("%s: %s must be %s, not %s", where, keyName(key), typeName(v.Type()), describe(n))
		}
		if n.Kind == yaml.ScalarNode && v.Kind() == reflect.Slice {
			return errorf("%s: %s must be a list (for example [\"%s\"]), not %s", where, keyName(key), n.Value, describe(n))
		}
		fresh := reflect.New(v.Type())
		if err := n.Decode(fresh.Interface()); err != nil {
			return errorf("%s: %s must be %s, not %s", where, keyName(key), typeName(v.Type()), describe(n))
		}
		v.Set(fresh.Elem())
		return nil
	}
}

// mergeEnv applies SUSTAIN_<SECTION>_<KEY> variables: every scalar key has
// one, named after its path (versioning.tag_format → SUSTAIN_VERSIONING_TAG_FORMAT).
func (c *Config) mergeEnv(environ []string) error {
	vars := map[string]string{}
	for _, kv := range environ {
		// An empty variable counts as unset, so `X= sustain ...` restores the file's value.
		if name, val, ok := strings.Cut(kv, "="); ok && val != "" && strings.HasPrefix(name, "SUSTAIN_") {
			vars[name] = val
		}
	}
	var err error
	walkScalars(reflect.ValueOf(c).Elem(), "", func(key string, v reflect.Value) {
		name := EnvName(key)
		val, ok := vars[name]
		if !ok || err != nil {
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(val)
		case reflect.Int:
			n, perr := strconv.Atoi(val)
			if perr != nil {
				err = errorf("environment %s=%q: want a whole number", name, val)
				return
			}
			v.SetInt(int64(n))
		case reflect.Bool:
			b, perr := strconv.ParseBool(val)
			if perr != nil {
				err = errorf("environment %s=%q: want true or false", name, val)
				return
			}
			v.SetBool(b)
		}
		c.origin[key] = "environment " + name
		if key == "store" {
			c.storeDir = "" // relative to the working directory, as --store is
		}
	})
	return err
}

// noDuplicateKeys refuses a key given twice in one mapping: yaml keeps the
// last silently, so the first would look set and do nothing.
func noDuplicateKeys(file, key string, n *yaml.Node) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if first, dup := seen[k.Value]; dup {
			return errorf("%s:%d: key %q is given twice (first at line %d): keep one", file, k.Line, join(key, k.Value), first)
		}
		seen[k.Value] = k.Line
	}
	return nil
}

// fileDir is the absolute directory of a config file.
func fileDir(file string) string {
	dir := filepath.Dir(file)
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return "SUSTAIN_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// EnvKeys lists every key settable from the environment, for documentation.
func EnvKeys() []string {
	var keys []string
	walkScalars(reflect.ValueOf(Default()).Elem(), "", func(key string, _ reflect.Value) {
		keys = append(keys, key)
	})
	return keys
}

func walkScalars(v reflect.Value, prefix string, fn func(string, reflect.Value)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if !f.IsExported() || tag == "" || tag == "-" {
			continue
		}
		key := join(prefix, tag)
		switch f.Type.Kind() {
		case reflect.Struct:
			walkScalars(v.Field(i), key, fn)
		case reflect.String, reflect.Int, reflect.Bool:
			fn(key, v.Field(i))
		}
	}
}

func yamlFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if f.IsExported() && tag != "" && tag != "-" {
			out[tag] = i
		}
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func keyName(key string) string {
	if key == "" {
		return "the file"
	}
	return "key " + strconv.Quote(key)
}

func inKey(key string) string {
	if key == "" {
		return ""
	}
	return " in " + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return strconv.Quote(n.Value)
	}
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	}
	return t.String()
}
