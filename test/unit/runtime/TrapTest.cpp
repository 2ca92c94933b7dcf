#include "runtime/Trap.h"

#include <gtest/gtest.h>

namespace wasmc::rt {
namespace {

using abi::TrapCode;

TEST(TrapTest, MessagesUseTheSpecWording) {
  EXPECT_STREQ(trapMessage(TrapCode::Unreachable), "unreachable");
  EXPECT_STREQ(trapMessage(TrapCode::MemoryOutOfBounds), "out of bounds memory access");
  EXPECT_STREQ(trapMessage(TrapCode::IntegerDivideByZero), "integer divide by zero");
  EXPECT_STREQ(trapMessage(TrapCode::IntegerOverflow), "integer overflow");
  EXPECT_STREQ(trapMessage(TrapCode::InvalidConversion), "invalid conversion to integer");
  EXPECT_STREQ(trapMessage(TrapCode::UndefinedElement), "undefined element");
  EXPECT_STREQ(trapMessage(TrapCode::UninitializedElement), "uninitialized element");
  EXPECT_STREQ(trapMessage(TrapCode::IndirectCallTypeMismatch), "indirect call type mismatch");
  EXPECT_STREQ(trapMessage(TrapCode::TableOutOfBounds), "out of bounds table access");
  EXPECT_STREQ(trapMessage(TrapCode::StackExhausted), "call stack exhausted");
}

TEST(TrapTest, UnknownCodeStillHasAMessage) {
  EXPECT_NE(trapMessage(static_cast<TrapCode>(200)), nullptr);
}

TEST(TrapTest, MessageForHostTrapAndExit) {
  Trap host{TrapCode::HostTrap, {}, "bad file descriptor", 0};
  EXPECT_EQ(host.message(), "bad file descriptor");
  Trap exit{TrapCode::Exit, {}, "", 3};
  EXPECT_EQ(exit.message(), "exit 3");
  Trap plain{TrapCode::IntegerOverflow, {}, "", 0};
  EXPECT_EQ(plain.message(), "integer overflow");
}

TEST(TrapTest, DescribeListsFramesInnermostFirst) {
  Trap trap{TrapCode::Unreachable, {{3, "fib", 0x1000}, {0, "", 0x2000}}, "", 0};
  EXPECT_EQ(trap.describe(), "unreachable\n"
                             "  #0 wasm function 3 fib\n"
                             "  #1 wasm function 0");
}

TEST(TrapTest, DescribeGivesEachFrameItsOffsetInTheModuleAndFunction) {
  Trap trap{TrapCode::Unreachable, {{3, "fib", 0x1000, 0x5c, 0x40}, {0, "", 0x2000, 0x31, 0x30}}, "", 0};
  EXPECT_EQ(trap.describe(), "unreachable\n"
                             "  #0 wasm function 3 fib at 0x5c (+0x1c)\n"
                             "  #1 wasm function 0 at 0x31 (+0x1)");
}

TEST(TrapTest, AFrameWithoutAnOffsetHasNoFunctionOffsetEither) {
  Frame frame{2, "", 0x1000, abi::kNoWasmOffset, 0x40};
  EXPECT_EQ(frame.functionOffset(), 0u);
  frame.offset = 0x45;
  EXPECT_EQ(frame.functionOffset(), 5u);
}

} // namespace
} // namespace wasmc::rt
