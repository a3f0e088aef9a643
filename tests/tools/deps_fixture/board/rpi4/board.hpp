// Fixture for tools/check_deps.py: every file here breaks one rule on purpose (line numbers matter).
#pragma once
