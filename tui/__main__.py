from .app import SouqApp

SouqApp().run()
