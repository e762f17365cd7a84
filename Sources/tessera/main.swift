// The tessera executable: everything lives in TesseraCLI so tests can call it in-process.
import TesseraCLI

TesseraCommand.main()
