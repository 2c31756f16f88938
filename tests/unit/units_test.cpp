// Units: every accepted form, every rejected one with its message, and the canonical
// formatting that must read back as the same value.
#include "sim/base/units.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "sim/base/error.hpp"

namespace cohsim {
namespace {

using ::testing::HasSubstr;

// The message of the UserError `f` throws ("" if it throws none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(UnitsSize, AcceptsBytesAndBinaryUnits) {
  EXPECT_EQ(parse_size("64"), 64u);
  EXPECT_EQ(parse_size("64B"), 64u);
  EXPECT_EQ(parse_size("32KiB"), 32u * 1024);
  EXPECT_EQ(parse_size("1MiB"), 1u << 20);
  EXPECT_EQ(parse_size("2GiB"), 2ull << 30);
  EXPECT_EQ(parse_size("1TiB"), 1ull << 40);
  EXPECT_EQ(parse_size("1_024"), 1024u);
  EXPECT_EQ(parse_size("1.5MiB"), 3u << 19);
  EXPECT_EQ(parse_size(" 32 KiB "), 32u * 1024);
  EXPECT_EQ(parse_size("0"), 0u);
}

TEST(UnitsSize, RejectsDecimalUnitsAsAmbiguous) {
  EXPECT_EQ(error_of([] { parse_size("32KB"); }), "bad size '32KB': use KiB (1024 bytes) — did you mean 32KiB?");
  EXPECT_THAT(error_of([] { parse_size("4kB"); }), HasSubstr("did you mean 4KiB?"));
  EXPECT_THAT(error_of([] { parse_size("1MB"); }), HasSubstr("use MiB (1024 KiB) — did you mean 1MiB?"));
  EXPECT_THAT(error_of([] { parse_size("2GB"); }), HasSubstr("did you mean 2GiB?"));
  EXPECT_THAT(error_of([] { parse_size("8M"); }), HasSubstr("did you mean 8MiB?"));
}

TEST(UnitsSize, RejectsMalformedSizesListingTheValidForms) {
  for (const char* bad : {"", "abc", "KiB", "32bytes", "1.", "_1"})
    EXPECT_THAT(error_of([&] { parse_size(bad); }), HasSubstr("valid forms are a whole number of bytes")) << bad;
  EXPECT_THAT(error_of([] { parse_size("32kib"); }), HasSubstr("did you mean 32KiB?"));
  EXPECT_EQ(error_of([] { parse_size("32XiB"); }), "bad size '32XiB': unknown unit 'XiB' — did you mean 32KiB?");
  EXPECT_THAT(error_of([] { parse_size("-1KiB"); }), HasSubstr("cannot be negative"));
  EXPECT_THAT(error_of([] { parse_size("1.3B"); }), HasSubstr("not a whole number of bytes"));
  EXPECT_THAT(error_of([] { parse_size("99999999999TiB"); }), HasSubstr("too large"));
}

TEST(UnitsFrequency, AcceptsEveryUnit) {
  EXPECT_EQ(parse_frequency("3GHz"), 3e9);
  EXPECT_EQ(parse_frequency("2.4GHz"), 2.4 * 1e9);
  EXPECT_EQ(parse_frequency("800MHz"), 800e6);
  EXPECT_EQ(parse_frequency("100kHz"), 100e3);
  EXPECT_EQ(parse_frequency("1Hz"), 1.0);
}

TEST(UnitsFrequency, RejectsMissingOrWrongUnitsAndZero) {
  EXPECT_EQ(error_of([] { parse_frequency("3"); }),
            "bad frequency '3': a unit is missing; valid forms are a number with Hz, kHz, MHz or GHz "
            "(e.g. 3GHz, 2.4GHz, 800MHz)");
  EXPECT_THAT(error_of([] { parse_frequency("3ghz"); }), HasSubstr("did you mean 3GHz?"));
  EXPECT_THAT(error_of([] { parse_frequency("100KHz"); }), HasSubstr("did you mean 100kHz?"));
  EXPECT_THAT(error_of([] { parse_frequency("0GHz"); }), HasSubstr("greater than zero"));
  EXPECT_THAT(error_of([] { parse_frequency("-1GHz"); }), HasSubstr("greater than zero"));
}

TEST(UnitsFrequency, PeriodIsInFemtosecondsRoundedToNearest) {
  EXPECT_EQ(period_ticks(1e9), kTicksPerNs);
  EXPECT_EQ(period_ticks(2e9), 500'000u);
  EXPECT_EQ(period_ticks(3e9), 333'333u);    // 333333.33
  EXPECT_EQ(period_ticks(1.5e9), 666'667u);  // 666666.67
  EXPECT_EQ(period_ticks(1), 1'000'000'000'000'000u);
}

TEST(UnitsLatency, TimesAreFemtoseconds) {
  Latency l = parse_latency("14ns");
  EXPECT_FALSE(l.in_cycles);
  EXPECT_EQ(l.to_ticks(500'000), 14 * kTicksPerNs);  // the clock does not matter
  EXPECT_EQ(parse_latency("500ps").to_ticks(1), 500'000u);
  EXPECT_EQ(parse_latency("1.5us").to_ticks(1), 1'500 * kTicksPerNs);
  EXPECT_EQ(parse_latency("2ms").to_ticks(1), 2'000'000 * kTicksPerNs);
}

TEST(UnitsLatency, CyclesScaleWithTheClockPeriod) {
  Latency l = parse_latency("40cycles");
  EXPECT_TRUE(l.in_cycles);
  EXPECT_EQ(l.value, 40);
  EXPECT_EQ(l.to_ticks(500'000), 20 * kTicksPerNs);  // 40 cycles at 2GHz
  EXPECT_EQ(l.to_ticks(period_ticks(3e9)), 40u * 333'333);
  EXPECT_EQ(parse_latency("1cycle"), (Latency{true, 1}));
  EXPECT_EQ(parse_latency("1 cycles"), (Latency{true, 1}));
}

TEST(UnitsLatency, RejectsMissingUnitsAndFractionalCycles) {
  EXPECT_THAT(error_of([] { parse_latency("14"); }),
              HasSubstr("bad latency '14': a unit is missing; valid forms are a time with ps, ns, us or ms"));
  EXPECT_THAT(error_of([] { parse_latency("14"); }), HasSubstr("40cycles"));
  EXPECT_THAT(error_of([] { parse_latency("1.5cycles"); }), HasSubstr("cycles must be a whole number"));
  EXPECT_THAT(error_of([] { parse_latency("14NS"); }), HasSubstr("did you mean 14ns?"));
  EXPECT_THAT(error_of([] { parse_latency("4cyles"); }), HasSubstr("did you mean 4cycles?"));
  EXPECT_THAT(error_of([] { parse_latency("-4ns"); }), HasSubstr("cannot be negative"));
}

TEST(UnitsBandwidth, DecimalAndBinaryUnits) {
  EXPECT_EQ(parse_bandwidth("25.6GB/s"), 25.6 * 1e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth("25.6GB/s"), 25.6e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth("19.2GiB/s"), 19.2 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_bandwidth("800MB/s"), 800e6);
  EXPECT_EQ(parse_bandwidth("100kB/s"), 100e3);
  EXPECT_EQ(parse_bandwidth("64B/s"), 64.0);
  EXPECT_EQ(parse_bandwidth("1TB/s"), 1e12);
}

TEST(UnitsBandwidth, RejectsBitsMissingUnitsAndZero) {
  EXPECT_THAT(error_of([] { parse_bandwidth("10Gb/s"); }), HasSubstr("not bits"));
  EXPECT_THAT(error_of([] { parse_bandwidth("10Gbps"); }), HasSubstr("not bits"));
  EXPECT_THAT(error_of([] { parse_bandwidth("25.6"); }),
              HasSubstr("bad bandwidth '25.6': a unit is missing; valid forms are bytes per second"));
  EXPECT_THAT(error_of([] { parse_bandwidth("25.6GB"); }), HasSubstr("did you mean 25.6GB/s?"));
  EXPECT_THAT(error_of([] { parse_bandwidth("0GB/s"); }), HasSubstr("greater than zero"));
}

TEST(UnitsInteger, PlainSignedAndSeparated) {
  EXPECT_EQ(parse_integer("16"), 16);
  EXPECT_EQ(parse_integer("-3"), -3);
  EXPECT_EQ(parse_integer("+7"), 7);
  EXPECT_EQ(parse_integer("1_000_000"), 1'000'000);
  EXPECT_EQ(parse_integer("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_integer("-9223372036854775808"), INT64_MIN);
  for (const char* bad : {"1.5", "abc", "16KiB", "", "1__0", "0x10"})
    EXPECT_THAT(error_of([&] { parse_integer(bad); }), HasSubstr("expected a whole number such as 16")) << bad;
  EXPECT_THAT(error_of([] { parse_integer("9223372036854775808"); }), HasSubstr("out of the 64-bit range"));
}

TEST(UnitsBool, TrueOrFalseOnly) {
  EXPECT_TRUE(parse_bool("true"));
  EXPECT_FALSE(parse_bool("false"));
  EXPECT_TRUE(parse_bool("True"));
  EXPECT_EQ(error_of([] { parse_bool("yes"); }), "bad boolean 'yes': expected true or false");
}

TEST(UnitsFormat, CanonicalTexts) {
  EXPECT_EQ(format_size(32768), "32KiB");
  EXPECT_EQ(format_size(64), "64B");
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(8u << 20), "8MiB");
  EXPECT_EQ(format_size(2ull << 30), "2GiB");
  EXPECT_EQ(format_frequency(3e9), "3GHz");
  EXPECT_EQ(format_frequency(parse_frequency("2.4GHz")), "2.4GHz");
  EXPECT_EQ(format_frequency(800e6), "800MHz");
  EXPECT_EQ(format_frequency(1), "1Hz");
  EXPECT_EQ(format_latency({true, 4}), "4cycles");
  EXPECT_EQ(format_latency({true, 1}), "1cycle");
  EXPECT_EQ(format_latency(parse_latency("60ns")), "60ns");
  EXPECT_EQ(format_latency(parse_latency("500ps")), "500ps");
  EXPECT_EQ(format_latency(parse_latency("1.5us")), "1.5us");
  EXPECT_EQ(format_latency(parse_latency("1500ns")), "1.5us");
  EXPECT_EQ(format_bandwidth(parse_bandwidth("25.6GB/s")), "25.6GB/s");
  EXPECT_EQ(format_bandwidth(parse_bandwidth("19.2GiB/s")), "19.2GiB/s");
  EXPECT_EQ(format_bandwidth(800e6), "800MB/s");
}

TEST(UnitsFormat, EveryFormatReadsBackAsTheSameValue) {
  for (const char* t : {"64B", "32KiB", "1536", "1MiB", "3GiB", "12345"})
    EXPECT_EQ(parse_size(format_size(parse_size(t))), parse_size(t)) << t;
  for (const char* t : {"3GHz", "2.4GHz", "3.3GHz", "1.7GHz", "800MHz", "123.456kHz", "1Hz"})
    EXPECT_EQ(parse_frequency(format_frequency(parse_frequency(t))), parse_frequency(t)) << t;
  for (const char* t : {"14ns", "0.3ns", "500ps", "1.1us", "40cycles", "1cycle", "0ns", "7ms"})
    EXPECT_EQ(parse_latency(format_latency(parse_latency(t))), parse_latency(t)) << t;
  for (const char* t : {"25.6GB/s", "19.2GiB/s", "12.8GB/s", "1B/s", "3.3TB/s", "51.2GB/s"})
    EXPECT_EQ(parse_bandwidth(format_bandwidth(parse_bandwidth(t))), parse_bandwidth(t)) << t;
}

}  // namespace
}  // namespace cohsim
