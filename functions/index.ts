// Entry point of the Functions app (package.json "main" after build): importing each handler module
// registers it. Handlers stay thin; the logic lives in src/.
