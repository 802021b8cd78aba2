from procura.cli import app

app()
