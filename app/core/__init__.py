"""The small core every domain package stands on: errors, text cleaning, time, audit,
mail, links and job dispatch. It knows the models and nothing above them."""
