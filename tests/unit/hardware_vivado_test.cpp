// The Vivado log and report readers, on the real Vivado 2021.2 logs of the iiot_cybernid model and
// on report text in the layout Vivado's report_utilization and report_timing_summary write.
#include "base/error.hpp"
#include "cli_support.hpp"
#include "hardware/vivado_reports.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lutgen {
namespace {

std::filesystem::path iiot_dir()
{
    return test::data_dir() / "iiot_cybernid";
}

TEST(HardwareVivado, SynthesisLogCellUsage)
{
    const VivadoFigures figures = parse_vivado_file(iiot_dir() / "vivado_synth.log");

    EXPECT_EQ(figures.kind, VivadoFileKind::SynthesisLog);
    ASSERT_TRUE(figures.stage.has_value());
    EXPECT_EQ(*figures.stage, CostStage::VivadoSynthesis);
    EXPECT_EQ(figures.tool, "Vivado v2021.2");
    EXPECT_EQ(figures.part, "xcu280-fsvh2892-2L-e");
    EXPECT_EQ(figures.top, "logicnet");
    ASSERT_TRUE(figures.cells.has_value());
    EXPECT_EQ(figures.cells->lut_cells(), 1001);
    EXPECT_EQ(figures.cells->luts_by_size.at(6), 778);
    EXPECT_EQ(figures.cells->luts_by_size.at(2), 3);
    EXPECT_EQ(figures.flip_flops, 580); // FDRE 476 + FDSE 104
    EXPECT_EQ(figures.muxf7, 88);
    EXPECT_EQ(figures.muxf8, 14);
    EXPECT_FALSE(figures.wns_ns.has_value());
}

TEST(HardwareVivado, ImplementationLogFinalSlack)
{
    const VivadoFigures figures = parse_vivado_file(iiot_dir() / "vivado_impl.log");

    EXPECT_EQ(figures.kind, VivadoFileKind::ImplementationLog);
    ASSERT_TRUE(figures.stage.has_value());
    EXPECT_EQ(*figures.stage, CostStage::VivadoImplementation);
    EXPECT_EQ(figures.part, "xcu280-fsvh2892-2L-e");
    ASSERT_TRUE(figures.wns_ns.has_value());
    EXPECT_DOUBLE_EQ(*figures.wns_ns, -0.078); // the post-route figure, not an earlier estimate
}

TEST(HardwareVivado, LogicNetsSummaryBesideLog)
{
    std::vector<VivadoFigures> figures;
    figures.push_back(parse_vivado_file(iiot_dir() / "vivado_impl.log"));
    figures.push_back(parse_vivado_file(iiot_dir() / "vivado_res.txt"));
    const std::vector<HardwareReport> reports = merge_vivado_figures(figures, 1.0);

    ASSERT_EQ(reports.size(), 1u);
    const HardwareReport& report = reports[0];
    EXPECT_EQ(report.stage, CostStage::VivadoImplementation);
    EXPECT_EQ(report.lut_basis, LutBasis::Sites);
    EXPECT_EQ(report.luts, 984);
    EXPECT_EQ(report.flip_flops, 588);
    ASSERT_TRUE(report.wns_ns.has_value());
    EXPECT_DOUBLE_EQ(*report.wns_ns, -0.078);
    EXPECT_EQ(report.sources.at("wns_ns"), "vivado_res.txt, vivado_impl.log");
    ASSERT_TRUE(report.fmax_mhz.has_value());
    EXPECT_NEAR(*report.fmax_mhz, 1000.0 / 1.078, 1e-9);
    EXPECT_EQ(report.part, "xcu280-fsvh2892-2L-e");
}

TEST(HardwareVivado, CommandLineBothStages)
{
    const test::CommandResult result =
        test::run_lutgen({"synth", "--parse-vivado", (iiot_dir() / "vivado_synth.log").string(),
                          (iiot_dir() / "vivado_impl.log").string(), (iiot_dir() / "vivado_res.txt").string(), "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const nlohmann::json json = nlohmann::json::parse(result.out);
    ASSERT_EQ(json["reports"].size(), 2u);
    const nlohmann::json& synthesis = json["reports"][0];
    const nlohmann::json& implementation = json["reports"][1];
    EXPECT_EQ(synthesis["counts"]["stage"], "vivado-synthesis");
    EXPECT_EQ(synthesis["counts"]["lut_basis"], "lut-cells");
    EXPECT_EQ(synthesis["luts"], 1001);
    EXPECT_EQ(synthesis["flip_flops"], 580);
    EXPECT_EQ(synthesis["cells"]["luts_by_size"]["LUT5"], 165);
    EXPECT_EQ(implementation["counts"]["stage"], "vivado-implementation");
    EXPECT_EQ(implementation["counts"]["lut_basis"], "lut-sites");
    EXPECT_EQ(implementation["luts"], 984);
    EXPECT_EQ(implementation["flip_flops"], 588);
    EXPECT_EQ(implementation["wns_ns"], -0.078);
    EXPECT_TRUE(implementation["fmax_mhz"].is_null()); // no clock period in these files
    EXPECT_EQ(implementation["counts"]["encoder_included"], false);
}

// Rows as Vivado 2021 writes them for an UltraScale+ part; the figures are made up.
const char* kUtilizationReport = R"(Copyright 1986-2021 Xilinx, Inc. All Rights Reserved.
---------------------------------------------------------------------------------
| Tool Version : Vivado v.2021.2 (lin64) Build 3367213 Tue Oct 19 02:47:39 MDT 2021
| Date         : Tue Apr 23 21:55:00 2024
| Command      : report_utilization -file utilization_impl.rpt
| Design       : lutgen_network
| Device       : xcvu9p-flgb2104-2-i
| Design State : Routed
---------------------------------------------------------------------------------

1. CLB Logic
------------

+----------------------------+------+-------+------------+-----------+-------+
|          Site Type         | Used | Fixed | Prohibited | Available | Util% |
+----------------------------+------+-------+------------+-----------+-------+
| CLB LUTs*                  |  211 |     0 |          0 |   1182240 |  0.02 |
|   LUT as Logic             |  211 |     0 |          0 |   1182240 |  0.02 |
| CLB Registers              |  268 |     0 |          0 |   2364480 |  0.01 |
|   Register as Flip Flop    |  268 |     0 |          0 |   2364480 |  0.01 |
| F7 Muxes                   |    3 |     0 |          0 |    591120 | <0.01 |
| F8 Muxes                   |    1 |     0 |          0 |    295560 | <0.01 |
+----------------------------+------+-------+------------+-----------+-------+

7. Primitives
-------------

+----------+------+---------------------+
| Ref Name | Used | Functional Category |
+----------+------+---------------------+
| LUT6     |  190 |                 CLB |
| FDRE     |  268 |            Register |
| LUT5     |   30 |                 CLB |
| MUXF7    |    3 |                 CLB |
| MUXF8    |    1 |                 CLB |
+----------+------+---------------------+
)";

const char* kTimingReport = R"(---------------------------------------------------------------------------------
| Tool Version : Vivado v.2021.2 (lin64) Build 3367213 Tue Oct 19 02:47:39 MDT 2021
| Command      : report_timing_summary -file timing_impl.rpt
| Design       : lutgen_network
| Device       : xcvu9p-flgb2104
| Design State : Routed
---------------------------------------------------------------------------------

------------------------------------------------------------------------------------------------
| Design Timing Summary
| ---------------------
------------------------------------------------------------------------------------------------

    WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)      THS(ns)
    -------      -------  ---------------------  -------------------      -------      -------
     -0.250       -3.100                     40                  500        0.030        0.000


------------------------------------------------------------------------------------------------
| Clock Summary
| -------------
------------------------------------------------------------------------------------------------

Clock  Waveform(ns)       Period(ns)      Frequency(MHz)
-----  ------------       ----------      --------------
clk    {0.000 0.500}      1.000           1000.000
)";

TEST(HardwareVivado, UtilizationAndTimingReports)
{
    const VivadoFigures utilization = parse_vivado_text(kUtilizationReport, "utilization_impl.rpt");
    EXPECT_EQ(utilization.kind, VivadoFileKind::Utilization);
    EXPECT_EQ(utilization.stage, CostStage::VivadoImplementation);
    EXPECT_EQ(utilization.part, "xcvu9p-flgb2104-2-i");
    EXPECT_EQ(utilization.lut_sites, 211);
    EXPECT_EQ(utilization.flip_flops, 268);
    EXPECT_EQ(utilization.muxf7, 3);
    ASSERT_TRUE(utilization.cells.has_value());
    EXPECT_EQ(utilization.cells->lut_cells(), 220); // two LUT5s share a site more than once

    const VivadoFigures timing = parse_vivado_text(kTimingReport, "timing_impl.rpt");
    EXPECT_EQ(timing.kind, VivadoFileKind::TimingSummary);
    ASSERT_TRUE(timing.wns_ns.has_value());
    EXPECT_DOUBLE_EQ(*timing.wns_ns, -0.25);
    ASSERT_TRUE(timing.clock_ns.has_value());
    EXPECT_DOUBLE_EQ(*timing.clock_ns, 1.0);

    const std::vector<HardwareReport> reports = merge_vivado_figures({utilization, timing}, std::nullopt);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].luts, 211);
    EXPECT_EQ(reports[0].lut_basis, LutBasis::Sites);
    ASSERT_TRUE(reports[0].fmax_mhz.has_value());
    EXPECT_NEAR(*reports[0].fmax_mhz, 800.0, 1e-9); // 1000 / (1.0 + 0.25)
}

TEST(HardwareVivado, LutgenSummaryFile)
{
    const VivadoFigures summary = parse_vivado_text("TOOL=Vivado v2023.1\nSTAGE=synthesis\nTOP=lutgen_network\n"
                                                    "PART=xcvu9p-flgb2104-2-i\nCLOCK_NS=2.000\nLUT1=0\nLUT2=4\n"
                                                    "LUT3=0\nLUT4=1\nLUT5=7\nLUT6=20\nMUXF7=2\nMUXF8=0\nFF=30\n"
                                                    "WNS=0.5\n",
                                                    "summary_synth.txt");
    EXPECT_EQ(summary.stage, CostStage::VivadoSynthesis);
    ASSERT_TRUE(summary.cells.has_value());
    EXPECT_EQ(summary.cells->lut_cells(), 32);

    const std::vector<HardwareReport> reports = merge_vivado_figures({summary}, std::nullopt);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].lut_basis, LutBasis::Cells);
    EXPECT_EQ(reports[0].luts, 32);
    EXPECT_EQ(reports[0].clock_ns, 2.0);
    EXPECT_NEAR(*reports[0].fmax_mhz, 1000.0 / 1.5, 1e-9);
}

TEST(HardwareVivado, RejectsUnknownText)
{
    EXPECT_THROW(parse_vivado_text("hello world\n", "notes.txt"), Error);
    EXPECT_THROW(parse_vivado_text("LUT=12\nFF=lots\n", "res.txt"), Error);
    EXPECT_THROW(parse_vivado_file(iiot_dir() / "missing.log"), Error);

    const test::CommandResult result = test::run_lutgen({"synth", "--parse-vivado", (iiot_dir() / "arch.json").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("arch.json"), std::string::npos) << result.err;
}

} // namespace
} // namespace lutgen
