# Run as `cmake -DMESSAGE=... -P Fail.cmake`: a test that fails with MESSAGE.
message(FATAL_ERROR "${MESSAGE}")
