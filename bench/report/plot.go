package report

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Size and resolution of the plots.
const (
	plotWidth  = 8 * vg.Inch
	plotHeight = 4.5 * vg.Inch
	pngDPI     = 150
)

// WritePlots draws the results into dir (created if need be), each plot as
// SVG and PNG, and returns the files written:
//
//   - recall-<task>.svg/.png for every task with two sizes or more: the
//     metric against the size on a log2 axis, a line per model through the
//     means over seeds, each seed's value as a ring, and the chance level
//     (or adding's baseline MSE) as a dashed line;
//   - memory-peak, memory-time and memory-state .svg/.png: peak-B, ns/token
//     and state-B against T on log-log axes, a line per model and mode
//     (solid for infer, dashed for train), the fitted slope in the legend.
func (r *Results) WritePlots(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var files []string
	save := func(name string, p *plot.Plot, legend plot.Legend) error {
		written, err := savePlot(filepath.Join(dir, name), p, legend)
		files = append(files, written...)
		return err
	}
	for _, rt := range r.recall() {
		if len(rt.points()) < 2 {
			continue
		}
		p, legend := recallPlot(rt)
		if err := save("recall-"+rt.name, p, legend); err != nil {
			return files, err
		}
	}
	memory := r.memory()
	for _, m := range []struct{ unit, file string }{
		{"peak-B", "memory-peak"},
		{"sec/token", "memory-time"},
		{"state-B", "memory-state"},
	} {
		var ss []series
		for _, s := range memory {
			if s.metric.unit == m.unit && len(s.positive()) > 0 {
				ss = append(ss, s)
			}
		}
		if len(ss) == 0 {
			continue
		}
		p, legend := memoryPlot(ss)
		if err := save(m.file, p, legend); err != nil {
			return files, err
		}
	}
	return files, nil
}

// points returns the sizes of rt that are numbers, the x values of a plot.
func (rt recallTask) points() []recallSize {
	var out []recallSize
	for _, s := range rt.sizes {
		if !math.IsNaN(s.x) && s.x > 0 {
			out = append(out, s)
		}
	}
	return out
}

// recallPlot draws one task's sweep.
func recallPlot(rt recallTask) (*plot.Plot, plot.Legend) {
	sizes := rt.points()
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s by %s", rt.name, rt.metric, rt.size)
	p.X.Label.Text = rt.size + " (log scale)"
	p.Y.Label.Text = rt.metric
	p.X.Scale = plot.LogScale{}
	var ticks []float64
	for _, s := range sizes {
		ticks = append(ticks, s.x)
	}
	p.X.Tick.Marker = valueTicks(ticks)
	p.X.Min, p.X.Max = ticks[0]/1.25, ticks[len(ticks)-1]*1.25
	p.Add(grid())

	var chance *plotter.Line
	if rt.chance > 0 {
		chance, _ = plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: rt.chance}, {X: p.X.Max, Y: rt.chance}})
		chance.Color = color.Gray{Y: 100}
		chance.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(chance)
	}

	legend := newLegend()

	for i, model := range rt.models {
		// Dodge the models a little along x, so that lines at the same
		// value (recall 1.00) stay apart.
		dodge := math.Pow(2, 0.03*(float64(i)-float64(len(rt.models)-1)/2))
		var means, seeds plotter.XYs
		for _, s := range sizes {
			c := s.cells[model]
			if c == nil {
				continue
			}
			x := s.x * dodge
			means = append(means, plotter.XY{X: x, Y: c.mean})
			for _, v := range c.values {
				seeds = append(seeds, plotter.XY{X: x, Y: v})
			}
		}
		if len(means) == 0 {
			continue
		}
		col := modelColor(model)
		line, dots, err := plotter.NewLinePoints(means)
		if err != nil {
			continue
		}
		line.Color, line.Width = col, vg.Points(1.5)
		dots.Color, dots.Shape, dots.Radius = col, draw.CircleGlyph{}, vg.Points(2.5)
		rings, err := plotter.NewScatter(seeds)
		if err != nil {
			continue
		}
		rings.Color, rings.Shape, rings.Radius = col, draw.RingGlyph{}, vg.Points(4)
		p.Add(line, rings, dots)
		legend.Add(model, line, dots)
	}
	if rt.metric == "recall" {
		p.Y.Min, p.Y.Max = 0, 1
	} else {
		p.Y.Min = 0
	}
	seed := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: color.Gray{Y: 60}, Shape: draw.RingGlyph{}, Radius: vg.Points(4)}}
	legend.Add("each seed", seed)
	if chance != nil {
		name := "chance " + strconv.FormatFloat(rt.chance, 'g', 3, 64)
		if rt.metric == "mse" {
			name = "baseline " + strconv.FormatFloat(rt.chance, 'g', 3, 64)
		}
		legend.Add(name, chance)
	}
	return p, legend
}

// positive returns the points of s that a log-log plot can show.
func (s series) positive() plotter.XYs {
	var xys plotter.XYs
	for _, p := range s.points {
		if p.t > 0 && p.v > 0 {
			xys = append(xys, plotter.XY{X: p.t, Y: p.v})
		}
	}
	return xys
}

// memoryPlot draws one metric of the memory suite against T.
func memoryPlot(ss []series) (*plot.Plot, plot.Legend) {
	m := ss[0].metric
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%s) against T", m.about, m.name)
	p.X.Label.Text = "T (log scale)"
	p.Y.Label.Text = m.name + " (log scale)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	var ts []float64
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, xy := range s.positive() {
			if !slices.Contains(ts, xy.X) {
				ts = append(ts, xy.X)
			}
			ymin, ymax = min(ymin, xy.Y), max(ymax, xy.Y)
		}
	}
	slices.Sort(ts)
	p.X.Tick.Marker = valueTicks(ts)
	p.X.Min, p.X.Max = ts[0]/1.25, ts[len(ts)-1]*1.25
	if m.unit == "sec/token" {
		p.Y.Tick.Marker, p.Y.Min, p.Y.Max = powerTicks(10, ymin, ymax, func(v float64) string { return labelSI(v, "s") })
	} else {
		p.Y.Tick.Marker, p.Y.Min, p.Y.Max = powerTicks(2, ymin, ymax, labelBytes)
	}
	p.Add(grid())

	legend := newLegend()
	for _, s := range ss {
		line, dots, err := plotter.NewLinePoints(s.positive())
		if err != nil {
			continue
		}
		col := modelColor(s.model)
		line.Color, line.Width = col, vg.Points(1.5)
		dots.Color, dots.Radius = col, vg.Points(2.5)
		switch s.mode {
		case "infer":
			dots.Shape = draw.CircleGlyph{}
		case "train":
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			dots.Shape = draw.TriangleGlyph{}
		default:
			line.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
			dots.Shape = draw.SquareGlyph{}
		}
		p.Add(line, dots)
		name := s.model + " " + s.mode
		if slope, ok := s.slope(); ok {
			name += ", slope " + formatSlope(slope.Slope)
		}
		legend.Add(name, line, dots)
	}
	return p, legend
}

// modelColor gives each model the same color in every plot.
func modelColor(model string) color.Color {
	i := slices.Index(modelOrder, model)
	if i < 0 {
		// Another model: a color after the standard ones, stable by name.
		h := 0
		for _, c := range model {
			h = h*31 + int(c)
		}
		i = len(modelOrder) + h%(len(plotutil.DarkColors)-len(modelOrder))
	}
	return plotutil.DarkColors[i%len(plotutil.DarkColors)]
}

func grid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 225}
	g.Horizontal.Color = color.Gray{Y: 225}
	return g
}

func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	l.TextStyle.Font.Size = vg.Points(10)
	return l
}

// valueTicks labels exactly the values given, e.g. the sizes of a sweep.
func valueTicks(values []float64) plot.Ticker {
	var ticks plot.ConstantTicks
	for _, v := range values {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
	}
	return ticks
}

// powerTicks returns ticks at the powers of base around [lo, hi], at most
// seven of them labelled, and the axis range from the power below lo to a
// labelled power above hi.
func powerTicks(base, lo, hi float64, label func(float64) string) (plot.Ticker, float64, float64) {
	kmin := math.Floor(math.Log(lo)/math.Log(base) + 1e-9)
	kmax := math.Ceil(math.Log(hi)/math.Log(base) - 1e-9)
	if kmax <= kmin {
		kmax = kmin + 1
	}
	// At most seven labels, the last one at the top of the axis.
	step := math.Max(1, math.Ceil((kmax-kmin)/6))
	kmax = kmin + step*math.Ceil((kmax-kmin)/step)
	var ticks plot.ConstantTicks
	for k := kmin; k <= kmax; k++ {
		v := math.Pow(base, k)
		t := plot.Tick{Value: v}
		if math.Mod(k-kmin, step) == 0 {
			t.Label = label(v)
		}
		ticks = append(ticks, t)
	}
	return ticks, math.Pow(base, kmin), math.Pow(base, kmax)
}

// labelBytes labels a power of two compactly: "64 KiB".
func labelBytes(v float64) string {
	for _, u := range []struct {
		factor float64
		name   string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if v >= u.factor {
			return strconv.FormatFloat(v/u.factor, 'g', 4, 64) + " " + u.name
		}
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " B"
}

// labelSI labels a power of ten compactly: "100 ns".
func labelSI(v float64, unit string) string {
	for _, u := range []struct {
		factor float64
		prefix string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}} {
		if v >= u.factor*(1-1e-9) {
			return strconv.FormatFloat(v/u.factor, 'g', 4, 64) + " " + u.prefix + unit
		}
	}
	return strconv.FormatFloat(v/1e-12, 'g', 4, 64) + " p" + unit
}

// savePlot writes p with its legend on the right as path.svg and path.png.
func savePlot(path string, p *plot.Plot, legend plot.Legend) ([]string, error) {
	var written []string
	for _, format := range []string{"svg", "png"} {
		var c vg.CanvasWriterTo
		switch format {
		case "svg":
			c = vgsvg.New(plotWidth, plotHeight)
		case "png":
			c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(pngDPI))}
		}
		dc := draw.New(c)
		// White background under the legend too (the plot fills only its
		// own area).
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		pad := vg.Points(8)
		rect := legend.Rectangle(dc)
		width := rect.Max.X - rect.Min.X
		p.Draw(draw.Crop(dc, pad, -(width + 2*pad), pad, -pad))
		legend.Draw(draw.Crop(dc, dc.Max.X-dc.Min.X-width-pad, -pad, 0, -4*pad))

		name := path + "." + format
		f, err := os.Create(name)
		if err != nil {
			return written, fmt.Errorf("report: %w", err)
		}
		_, err = c.WriteTo(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("report: writing %s: %w", name, err)
		}
		written = append(written, name)
	}
	return written, nil
}
